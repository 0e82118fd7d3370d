// The game page's server side: the esbuild bundle of web/, the HTTP server (127.0.0.1 only), the
// headless-Chromium driver, and the measurements of the page (ms per frame, a long play).

export * from './api';
export * from './build';
export * from './capture';
export * from './capture-bench';
export * from './glob';
export * from './headless';
export * from './measure';
export * from './server';
export * from './setup';
export * from './training';
