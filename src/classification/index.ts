/** lakekit/classification — under construction. */
export {};
