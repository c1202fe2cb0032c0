/** lakekit/catalog — rest (under construction). */
export {};
export type { AuthProvider, AuthRequest } from './auth-provider.js';
