/** lakekit/catalog — polaris (under construction). */
export {};
