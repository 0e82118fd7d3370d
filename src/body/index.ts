// The body model: subjects, poses, actions and drawing. Pure TypeScript (no Node modules), shared by
// the synthetic-recording renderer and the browser game.
export * from './vec';
export * from './subject';
export * from './pose';
export * from './actions';
export * from './draw';
