// The scheduler: keeps BullMQ's job schedulers in step with the connections' schedules in the database.
import { runProcess } from '../src/process/main.js';
import { startScheduler } from '../src/queue/run-scheduler.js';

await runProcess('scheduler', startScheduler, { whileDown: 'schedules are reconciled again once it is back' });
