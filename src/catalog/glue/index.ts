/** lakekit/catalog — glue (under construction). */
export {};
