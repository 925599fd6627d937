/**
 * Every API handler, one file per API key (named `NN-api-name.ts` after the key,
 * as in franz-go's kfake). Importing a file registers its handler; this list is
 * the broker's table of served APIs.
 */
import './00-produce';
import './01-fetch';
import './02-list-offsets';
import './03-metadata';
import './18-api-versions';
