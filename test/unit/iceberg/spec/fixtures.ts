// Table metadata documents modelled on the spec's examples and on the Java
// reference implementation's test resources (TableMetadataV1Valid.json,
// TableMetadataV2Valid.json). Kept as text so long ids go through the
// BigInt-safe JSON parser exactly as a file would.

export const V1_METADATA = `{
  "format-version": 1,
  "table-uuid": "d20125c8-7284-442c-9aea-15fee620737c",
  "location": "s3://bucket/test/location",
  "last-updated-ms": 1602638573874,
  "last-column-id": 3,
  "schema": {
    "type": "struct",
    "fields": [
      { "id": 1, "name": "x", "required": true, "type": "long" },
      { "id": 2, "name": "y", "required": true, "type": "long", "doc": "comment" },
      { "id": 3, "name": "z", "required": true, "type": "long" }
    ]
  },
  "partition-spec": [ { "name": "x", "transform": "identity", "source-id": 1, "field-id": 1000 } ],
  "properties": { "commit.retry.num-retries": "4" },
  "current-snapshot-id": -1,
  "snapshots": []
}`;

export const V1_METADATA_WITH_SNAPSHOTS = `{
  "format-version": 1,
  "location": "file:///tmp/t",
  "last-updated-ms": 1515100955770,
  "last-column-id": 1,
  "schema": { "type": "struct", "fields": [ { "id": 1, "name": "x", "required": false, "type": "int" } ] },
  "partition-spec": [ { "name": "x_bucket", "transform": "bucket[4]", "source-id": 1 } ],
  "current-snapshot-id": 3051729675574597004,
  "snapshots": [
    { "snapshot-id": 3051729675574597004, "timestamp-ms": 1515100955770, "manifests": ["file:///tmp/t/metadata/m1.avro"] }
  ],
  "snapshot-log": [ { "snapshot-id": 3051729675574597004, "timestamp-ms": 1515100955770 } ]
}`;

export const V2_METADATA = `{
  "format-version": 2,
  "table-uuid": "9c12d441-03fe-4693-9a96-a0705ddf69c1",
  "location": "s3://bucket/test/location",
  "last-sequence-number": 34,
  "last-updated-ms": 1602638573590,
  "last-column-id": 3,
  "current-schema-id": 1,
  "schemas": [
    { "type": "struct", "schema-id": 0, "fields": [ { "id": 1, "name": "x", "required": true, "type": "long" } ] },
    {
      "type": "struct", "schema-id": 1, "identifier-field-ids": [1, 2],
      "fields": [
        { "id": 1, "name": "x", "required": true, "type": "long" },
        { "id": 2, "name": "y", "required": true, "type": "long", "doc": "comment" },
        { "id": 3, "name": "z", "required": true, "type": "long" }
      ]
    }
  ],
  "default-spec-id": 0,
  "partition-specs": [ { "spec-id": 0, "fields": [ { "name": "x", "transform": "identity", "source-id": 1, "field-id": 1000 } ] } ],
  "last-partition-id": 1000,
  "default-sort-order-id": 3,
  "sort-orders": [
    {
      "order-id": 3,
      "fields": [
        { "transform": "identity", "source-id": 2, "direction": "asc", "null-order": "nulls-first" },
        { "transform": "bucket[4]", "source-id": 3, "direction": "desc", "null-order": "nulls-last" }
      ]
    }
  ],
  "properties": {},
  "current-snapshot-id": 3055729675574597004,
  "snapshots": [
    { "snapshot-id": 3051729675574597004, "timestamp-ms": 1515100955770, "sequence-number": 0, "summary": { "operation": "append" }, "manifest-list": "s3://a/b/1.avro" },
    {
      "snapshot-id": 3055729675574597004, "parent-snapshot-id": 3051729675574597004, "timestamp-ms": 1555100955770,
      "sequence-number": 1, "summary": { "operation": "append" }, "manifest-list": "s3://a/b/2.avro", "schema-id": 1
    }
  ],
  "refs": {
    "main": { "snapshot-id": 3055729675574597004, "type": "branch" },
    "audit": { "snapshot-id": 3051729675574597004, "type": "tag", "max-ref-age-ms": 10000000 },
    "dev": { "snapshot-id": 3051729675574597004, "type": "branch", "min-snapshots-to-keep": 2, "max-snapshot-age-ms": 86400000 }
  },
  "statistics": [
    {
      "snapshot-id": 3055729675574597004, "statistics-path": "s3://a/b/stats.puffin", "file-size-in-bytes": 413, "file-footer-size-in-bytes": 42,
      "blob-metadata": [ { "type": "apache-datasketches-theta-v1", "snapshot-id": 3055729675574597004, "sequence-number": 1, "fields": [1] } ]
    }
  ],
  "partition-statistics": [ { "snapshot-id": 3055729675574597004, "statistics-path": "s3://a/b/p.parquet", "file-size-in-bytes": 43 } ],
  "snapshot-log": [
    { "snapshot-id": 3051729675574597004, "timestamp-ms": 1515100955770 },
    { "snapshot-id": 3055729675574597004, "timestamp-ms": 1555100955770 }
  ],
  "metadata-log": [ { "metadata-file": "s3://bucket/test/location/metadata/v1.metadata.json", "timestamp-ms": 1515100955000 } ]
}`;

export const V3_METADATA = `{
  "format-version": 3,
  "table-uuid": "7a8f5c16-26f5-4b7a-9a61-8a0f7c3e1d2b",
  "location": "s3://bucket/v3",
  "last-sequence-number": 1,
  "last-updated-ms": 1700000000000,
  "last-column-id": 3,
  "current-schema-id": 0,
  "schemas": [
    {
      "type": "struct", "schema-id": 0,
      "fields": [
        { "id": 1, "name": "id", "required": true, "type": "long" },
        { "id": 2, "name": "ts", "required": false, "type": "timestamptz_ns" },
        { "id": 3, "name": "score", "required": false, "type": "double", "initial-default": 1.0, "write-default": 0.5 }
      ]
    }
  ],
  "default-spec-id": 0,
  "partition-specs": [ { "spec-id": 0, "fields": [ { "name": "ts_day", "transform": "day", "source-id": 2, "field-id": 1000 } ] } ],
  "last-partition-id": 1000,
  "default-sort-order-id": 0,
  "sort-orders": [ { "order-id": 0, "fields": [] } ],
  "properties": { "write.format.default": "parquet" },
  "current-snapshot-id": 1,
  "next-row-id": 100,
  "encryption-keys": [ { "key-id": "5f819b", "encrypted-key-metadata": "aWNlYmVyZwo=" } ],
  "refs": { "main": { "snapshot-id": 1, "type": "branch" } },
  "snapshots": [
    { "snapshot-id": 1, "timestamp-ms": 1700000000000, "sequence-number": 1, "summary": { "operation": "append" },
      "manifest-list": "s3://bucket/v3/metadata/snap-1.avro", "schema-id": 0, "first-row-id": 0, "added-rows": 100 }
  ],
  "snapshot-log": [ { "snapshot-id": 1, "timestamp-ms": 1700000000000 } ],
  "metadata-log": []
}`;
