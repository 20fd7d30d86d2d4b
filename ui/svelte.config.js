import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Component styles go to the emitted stylesheet, never to an inline <style>.
    css: "external",
  },
};
