// The sync worker: takes sync jobs from the queue and runs them through the pipeline. Run several for scale.
import { runProcess } from '../src/process/main.js';
import { startSyncWorkerRole } from '../src/queue/run-sync-worker.js';

await runProcess('sync-worker', startSyncWorkerRole, { whileDown: 'runs pause and resume from their last committed page once it is back' });
