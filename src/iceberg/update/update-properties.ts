/**
 * Table properties and the format version, like Java's `PropertiesUpdate`
 * plus `UpgradeFormatVersion`. Reserved properties describe the table rather
 * than configure it and are never stored; `format-version` is the one that
 * can be "set", and becomes an `upgrade-format-version` update.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { SUPPORTED_FORMAT_VERSION } from '../spec/metadata.js';
import { RESERVED_PROPERTIES } from '../spec/new-table.js';
import type { TableUpdate } from '../spec/table-update.js';
import { describeArg } from './arguments.js';
import type { MetadataChanges, PendingUpdate } from './pending-update.js';
import { tableUuidRequirement } from './pending-update.js';

/** The reserved property that sets the format version. */
export const FORMAT_VERSION_PROPERTY = 'format-version';

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new ValidationError('a table property key must be a non-empty string');
}

/**
 * Records property changes and a format upgrade; `build(metadata)` returns
 * `upgrade-format-version` (if it raises the version), `set-properties` and
 * `remove-properties`. Refused with ValidationError: reserved keys other than
 * `format-version`, setting and removing one key, and downgrades.
 *
 * @example
 * ```ts
 * const change = new UpdateProperties().set('write.target-file-size-bytes', '134217728').remove('owner').upgradeFormatVersion(3);
 * const { requirements, updates } = change.build(metadata);
 * ```
 */
export class UpdateProperties implements PendingUpdate {
  private readonly updates = new Map<string, string>();
  private readonly removals = new Set<string>();
  private formatVersion: number | undefined;

  /** The properties to set, in call order. */
  get pendingSets(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.updates);
  }

  /** The keys to remove, in call order. */
  get pendingRemovals(): readonly string[] {
    return [...this.removals];
  }

  /** The format version to upgrade to, if any. */
  get pendingFormatVersion(): number | undefined {
    return this.formatVersion;
  }

  /** Set a property; `format-version` upgrades the table instead (see {@link upgradeFormatVersion}). */
  set(key: string, value: string): this {
    checkKey(key);
    if (typeof value !== 'string') throw new ValidationError(`table property ${JSON.stringify(key)} must have a string value, got ${typeof value}`);
    if (key === FORMAT_VERSION_PROPERTY) {
      if (!/^[0-9]+$/.test(value)) throw new ValidationError(`format-version must be 1, 2 or 3, got ${describeArg(value)}`);
      return this.upgradeFormatVersion(Number(value));
    }
    if (RESERVED_PROPERTIES.includes(key)) throw new ValidationError(`table property ${JSON.stringify(key)} is reserved: it describes the table and is computed, never stored; use another key`);
    if (this.removals.has(key)) throw new ValidationError(`cannot both set and remove table property ${JSON.stringify(key)} in one update`);
    this.updates.set(key, value);
    return this;
  }

  /** Remove a property (removing an absent key is allowed). */
  remove(key: string): this {
    checkKey(key);
    if (RESERVED_PROPERTIES.includes(key)) throw new ValidationError(`table property ${JSON.stringify(key)} is reserved and cannot be removed${key === FORMAT_VERSION_PROPERTY ? '; format versions can only go up' : ''}`);
    if (this.updates.has(key)) throw new ValidationError(`cannot both set and remove table property ${JSON.stringify(key)} in one update`);
    this.removals.add(key);
    return this;
  }

  /** Upgrade the table to format `version` (no-op if it already has it; downgrades are refused at build). */
  upgradeFormatVersion(version: number): this {
    if (!Number.isInteger(version) || version < 1) throw new ValidationError(`format version must be a positive integer, got ${describeArg(version)}`);
    if (version > SUPPORTED_FORMAT_VERSION) throw new UnsupportedError(`cannot upgrade to format version ${version}; lakekit supports versions up to ${SUPPORTED_FORMAT_VERSION}`);
    this.formatVersion = version;
    return this;
  }

  /** The commit that applies the recorded changes to `base`. */
  build(base: TableMetadata): MetadataChanges {
    const updates: TableUpdate[] = [];
    if (this.formatVersion !== undefined) {
      if (this.formatVersion < base.formatVersion) {
        throw new ValidationError(`cannot downgrade the table from format v${base.formatVersion} to v${this.formatVersion}; format versions can only go up`);
      }
      if (this.formatVersion > base.formatVersion) updates.push({ action: 'upgrade-format-version', formatVersion: this.formatVersion });
    }
    if (this.updates.size > 0) updates.push({ action: 'set-properties', updates: Object.fromEntries(this.updates) });
    if (this.removals.size > 0) updates.push({ action: 'remove-properties', removals: [...this.removals] });
    return { requirements: tableUuidRequirement(base), updates };
  }
}
