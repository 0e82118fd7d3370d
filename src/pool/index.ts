// The worker pool and bounded concurrency in this thread.

export * from './limit';
export * from './workers';
