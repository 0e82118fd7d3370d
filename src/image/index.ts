// Images: decoding to RGB (Node) and composing grids (contact sheets, augmentation figures).

export * from './decode';
export * from './grid';
