/** Turns the locations a FileIO is given into checked, canonical locations under its root. */
import { ValidationError } from '../errors.js';
import { checkKey, formatLocation, parseLocation, printable, schemeOf, type Location, type Scheme } from '../internal/uri.js';

/**
 * Resolves absolute URIs and root-relative paths for one scheme, refusing
 * anything outside the root.
 */
export class LocationResolver {
  readonly scheme: Scheme;
  /** The root, canonical and ending in `/`, or undefined for an unrooted FileIO. */
  readonly root: Location | undefined;

  /**
   * @param scheme the only scheme accepted
   * @param root optional root URI (for `file`, an absolute path is accepted too)
   * @param barePathsAreFiles treat `/abs/path` as `file:///abs/path` (local disk only)
   */
  constructor(scheme: Scheme, root?: string, private readonly barePathsAreFiles = false) {
    this.scheme = scheme;
    if (root === undefined) {
      this.root = undefined;
    } else {
      const loc = this.parseAbsolute(root);
      if (loc.scheme !== scheme) throw new ValidationError(`root '${printable(root)}' is not a ${scheme} location`);
      this.root = { ...loc, key: loc.key === '' || loc.key.endsWith('/') ? loc.key : `${loc.key}/` };
    }
  }

  private parseAbsolute(location: string): Location {
    if (this.barePathsAreFiles && location.startsWith('/')) {
      checkKey(location, location);
      return { scheme: 'file', bucket: '', key: location };
    }
    return parseLocation(location);
  }

  /** Resolve a location to a checked {@link Location}. */
  resolve(location: string, isPrefix = false): Location {
    if (typeof location !== 'string' || location === '' && !isPrefix) {
      throw new ValidationError('an empty location was given; pass a URI or a path under the FileIO root');
    }
    const absolute = schemeOf(location) !== undefined || (this.barePathsAreFiles && location.startsWith('/'));
    let loc: Location;
    if (absolute) {
      loc = this.parseAbsolute(location);
      if (loc.scheme !== this.scheme) {
        throw new ValidationError(`'${printable(location)}' is not a ${this.scheme} location; use a FileIO registry to mix schemes`, {
          context: { location: printable(location) },
        });
      }
    } else {
      if (this.root === undefined) {
        throw new ValidationError(`relative location '${printable(location)}' needs a FileIO with a root; pass a full ${this.scheme} URI`, {
          context: { location: printable(location) },
        });
      }
      if (location.startsWith('/')) {
        throw new ValidationError(`'${printable(location)}' starts with '/'; pass a path relative to the root or a full URI`);
      }
      checkKey(location, location);
      loc = { ...this.root, key: this.root.key + location };
    }
    this.checkInRoot(loc, location, isPrefix);
    // A prefix such as 'root' (no trailing slash) must not match siblings like 'root2/'.
    if (isPrefix && this.root !== undefined && loc.key.length < this.root.key.length) loc = { ...loc, key: this.root.key };
    return loc;
  }

  private checkInRoot(loc: Location, original: string, isPrefix: boolean): void {
    const root = this.root;
    if (root === undefined) return;
    const inside =
      loc.bucket === root.bucket &&
      (loc.key.startsWith(root.key) || `${loc.key}/` === root.key || (isPrefix && root.key.startsWith(loc.key) && loc.key.length >= root.key.length - 1));
    if (!inside) {
      throw new ValidationError(`'${printable(original)}' is outside this FileIO's root ${formatLocation(root)}; use a location under the root`, {
        context: { location: printable(original), root: formatLocation(root) },
      });
    }
  }

  /** The canonical URI of a location. */
  format(loc: Location): string {
    return formatLocation(loc);
  }
}
