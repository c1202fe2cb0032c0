/** lakekit/lineage — under construction. */
export {};
