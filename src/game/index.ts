// The game: the fight engine and its computer opponent over the body model, the fighters' moves,
// the capture of a camera frame, the game model (an exported head over its frame encoder and the
// decision rule), the inference loop and the controller contract MK.js defines. Browser-safe.

export * from './controller';
export * from './fight';
export * from './frame';
export * from './loop';
export * from './model';
export * from './moves';
