/** lakekit/quality — under construction. */
export {};
