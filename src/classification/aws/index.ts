/** lakekit/classification/aws — KMS keys, Lake Formation LF-tags and Glue column parameters (under construction). */
export {};
