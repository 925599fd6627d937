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
import './19-create-topics';
import './20-delete-topics';
import './21-delete-records';
import './22-init-producer-id';
import './24-add-partitions-to-txn';
import './25-add-offsets-to-txn';
import './26-end-txn';
import './32-describe-configs';
import './33-alter-configs';
import './37-create-partitions';
import './44-incremental-alter-configs';
import './60-describe-cluster';
