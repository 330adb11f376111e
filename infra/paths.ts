import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the bundles' project root and the base for rules/ and perimeters files. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
