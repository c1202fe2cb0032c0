/** lakekit/zones — under construction. */
export {};
