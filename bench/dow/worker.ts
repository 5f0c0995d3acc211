/** Worker thread: runs simulator jobs sent by bench/simulate-dow.ts. */
import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './scenarios';

parentPort?.on('message', (msg: { id: number; job: Job }) => {
  const result = runJob(msg.job);
  parentPort!.postMessage({ id: msg.id, result });
});
