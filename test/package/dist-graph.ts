/**
 * What loading one built entry pulls in: the files reachable through relative
 * imports (static, dynamic and require), the external specifiers they name,
 * and any `Buffer` identifier. Parsed with the TypeScript scanner, so comments
 * and string contents never count.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

export interface EntryGraph {
  files: string[];
  externals: string[];
  /** Files that reference an identifier named `Buffer`. */
  bufferUsers: string[];
}

function usesBuffer(file: string, text: string): boolean {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === 'Buffer') found = true;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function entryGraph(entry: string): EntryGraph {
  const files = new Set<string>();
  const externals = new Set<string>();
  const bufferUsers: string[] = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    // tsup's CommonJS shim for `import.meta` builds its require from parts, `require('u' + 'rl')`,
    // which the scanner would read as a package `u`: it is Node's url module.
    const text = readFileSync(file, 'utf8').replaceAll("require('u' + 'rl')", "require('node:url')");
    if (usesBuffer(file, text)) bufferUsers.push(file);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith('.')) queue.push(resolve(dirname(file), fileName));
      else externals.add(fileName);
    }
  }
  return { files: [...files].sort(), externals: [...externals].sort(), bufferUsers };
}

/** The npm package a bare specifier belongs to (`@aws-sdk/client-s3/x` → `@aws-sdk/client-s3`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
