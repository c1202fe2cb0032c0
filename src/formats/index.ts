/** lakekit/formats — under construction. */
export {};
