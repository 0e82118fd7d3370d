// Figures: plotly specs, rendered to HTML and PNG in headless Chromium.

export * from './figures';
export * from './render';
