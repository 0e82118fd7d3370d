// From synthetic people to real ones (chapter 09): the candidate ways of seeing a frame, the rule
// that chooses among them, real frames and how models are scored on them (and what they cost per
// frame), where the methods go wrong, what the real punch frames show, a clip of real frames for
// the page, and which features `kombat train` uses.

export * from './choice';
export * from './clip';
export * from './diagnose';
export * from './methods';
export * from './real';
export * from './rule';
export * from './score';
export * from './strikes';
