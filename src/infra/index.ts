/** lakekit/infra — under construction. */
export {};
