/**
 * Where the registry lives, and whether a home has one — without loading the store (node:sqlite):
 * `status` checks this before it starts hashing and opens the store while the files are hashed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REGISTRY_FILE = 'registry.db';
export const INDEX_FILE = 'index.jsonl';
export const INDEX_BACKUP = 'index.jsonl.bak';

export function registryPath(home: string): string {
  return path.join(home, REGISTRY_FILE);
}

/** A registry, or an index of an earlier version to migrate into one: false on a home that never registered anything. */
export function hasRegistry(home: string): boolean {
  return existsSync(registryPath(home)) || existsSync(path.join(home, INDEX_FILE));
}
