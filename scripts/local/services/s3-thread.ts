import { parentPort, workerData } from 'node:worker_threads';
import { type S3Options, serveS3 } from './s3';

/** The S3 stand-in's thread (startS3): serves until asked to stop, then lets the thread end. */
serveS3(workerData as S3Options).then((server) => {
  parentPort?.on('message', (message) => {
    if (message === 'stop') void server.stop().finally(() => parentPort?.close());
  });
  parentPort?.postMessage('listening');
});
