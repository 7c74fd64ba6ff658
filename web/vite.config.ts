// The map frontend is served by `gridd serve` from web/dist at the site root, so every asset
// path is absolute from `/` (routes such as /officer and /leader are index.html fallbacks).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre alone is about 1 MB minified; splitting it off keeps the app chunk small and
    // lets the browser cache the library across releases of our own code.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }],
        },
      },
    },
  },
});
