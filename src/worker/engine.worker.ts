// The engine's Web Worker: the WebGPU engine (with the probe runner, probe-engine.ts), exposed through
// comlink, so uploads, GPU submission and tokenization never block the page. The page talks to it through WorkerEngine (engine-client.ts).
//
// Cancellation needs no shared memory: the engine awaits the GPU after every step, which returns this
// worker to its event loop, where comlink delivers a pending cancel() call.
//
// Failures nobody awaits are sent to the page as a fatal message, after which the page replaces this
// worker: a lost GPU device (the page is told at once, not at the next generate), and unhandled
// rejections (the engine's state can no longer be trusted).
//
// A worker that ends without an error (self.close(), or stopped by the browser) fires no event on the
// page, and calls to it would wait forever. It holds a Web Lock for as long as it lives and tells the
// page its name; the browser releases the lock when the worker ends, which grants the page's request.
import * as Comlink from 'comlink';
import { viteShaders } from '../engine/gpu/shaders-vite.ts';
import { ALIVE_MESSAGE, describeError, FATAL_MESSAGE, type AliveMessage, type FatalMessage } from './engine-protocol.ts';
import { ProbingEngine } from './probe-engine.ts';

const reportFatal = (message: string) => self.postMessage({ type: FATAL_MESSAGE, message } satisfies FatalMessage);

/** navigator.gpu, with every device it hands out watched for loss. */
function watchedGpu(): GPU {
  const gpu = navigator.gpu;
  if (!gpu) throw new Error('this browser offers no WebGPU in workers');
  return {
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat(),
    requestAdapter: async (options) => {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) return null;
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = async (descriptor) => {
        const device = await requestDevice(descriptor);
        void device.lost.then((info) => {
          if (info.reason !== 'destroyed') reportFatal(`the GPU device was lost (${info.message || 'no reason given'})`);
        });
        return device;
      };
      return adapter;
    },
  } as GPU;
}

const engine = new ProbingEngine({ gpu: async () => watchedGpu(), shaders: viteShaders });

self.addEventListener('unhandledrejection', (event) => reportFatal(describeError(event.reason)));

Comlink.expose(engine);

// Random, not the worker's name: lock names are shared by every tab of the origin.
const aliveLock = `rope-lab-engine-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
navigator.locks
  ?.request(aliveLock, () => {
    self.postMessage({ type: ALIVE_MESSAGE, lock: aliveLock } satisfies AliveMessage);
    return new Promise<never>(() => {});
  })
  .catch(() => {}); // without the lock the page cannot watch; the engine works all the same
