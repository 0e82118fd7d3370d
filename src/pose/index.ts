// Body pose: MoveNet SinglePose Lightning (where it comes from, loading it, two looks at a frame),
// its 17 keypoints and boxes around them, the pose descriptors, webcam framings of a body, and
// skeletons drawn over frames (network.ts, detect.ts, keypoints.ts, descriptor.ts and framing.ts
// are the browser-safe part).

export * from './descriptor';
export * from './detect';
export * from './draw';
export * from './framing';
export * from './keypoints';
export * from './network';
export * from './source';
