/**
 * Every API handler, one file per API key (named `NN-api-name.ts` after the key,
 * as in franz-go's kfake). Importing a file registers its handler; this list is
 * the broker's table of served APIs.
 */
import './00-produce';
import './01-fetch';
import './02-list-offsets';
import './03-metadata';
import './08-offset-commit';
import './09-offset-fetch';
import './10-find-coordinator';
import './11-join-group';
import './12-heartbeat';
import './13-leave-group';
import './14-sync-group';
import './15-describe-groups';
import './16-list-groups';
import './18-api-versions';
import './19-create-topics';
import './20-delete-topics';
import './21-delete-records';
import './22-init-producer-id';
import './24-add-partitions-to-txn';
import './25-add-offsets-to-txn';
import './26-end-txn';
import './28-txn-offset-commit';
import './32-describe-configs';
import './33-alter-configs';
import './37-create-partitions';
import './42-delete-groups';
import './44-incremental-alter-configs';
import './47-offset-delete';
import './60-describe-cluster';
import './17-sasl-handshake';
import './36-sasl-authenticate';
