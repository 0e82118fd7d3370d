// Figures: plotly specs, rendered to HTML and PNG in headless Chromium; the notebooks' display helper.

export * from './figures';
export * from './notebook';
export * from './render';
