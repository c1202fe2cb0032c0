/**
 * The seam between HTTP clients (the Iceberg REST catalog, the Polaris
 * management client) and the ways they authenticate (OAuth2 client
 * credentials, token exchange, a static bearer token, SigV4).
 *
 * @module
 */

/** A request about to be sent, as an auth provider sees it (SigV4 signs all of it). */
export interface AuthRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds credentials to outgoing requests. */
export interface AuthProvider {
  /**
   * Headers to add to `request` (for example `Authorization`). Called once per
   * attempt, so providers may refresh tokens or re-sign here.
   */
  authorize(request: AuthRequest, signal?: AbortSignal): Promise<Record<string, string>>;
  /**
   * Called after a 401: drop any cached token so the next `authorize` fetches
   * a new one. Returns whether a retry can help (false for static tokens).
   */
  invalidate?(): boolean;
}
