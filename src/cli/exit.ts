/** Exit codes of the CLI (README "CLI"). */
import { EXIT_REFUSED } from './admin';
import { EXIT_STORE_IO } from '../errors';

export const EXIT = {
  OK: 0, CONFIG: 1, USAGE: 2, REJECTED: 3, WARNINGS: 4, REFUSED: EXIT_REFUSED, CHANGED: 6, STORE_IO: EXIT_STORE_IO,
} as const;
