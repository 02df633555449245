// The GPU as the CLI asks for it on Linux, where Dawn reaches the GPU through Vulkan. When the Vulkan
// loader is missing, no driver is installed, or the only drivers are CPU ones it rejects (Mesa's
// lavapipe), Dawn prints multi-line warnings of its own on stderr (with its C++ call chain, "at
// InitializeImpl …") before saying it found no adapter, and nothing in Node can catch them. So the pieces
// are checked first: no loader → one line saying to install libvulkan1; no driver, or no GPU device node
// (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg) → SwiftShader, announced in one line. Otherwise, or where
// the variables name drivers, Dawn looks for itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { nodeGpu, SWIFTSHADER_ICD } from '../engine/gpu/node-gpu.ts';

/** What the check needs to know of the machine; tests hand in their own. */
export interface VulkanHost {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Whether the dynamic linker can find libvulkan.so.1 (true when that cannot be told: Dawn then tries). */
  loaderFound(): boolean;
  /** The driver manifests (ICD JSON files) the Vulkan loader reads when no variable names them. */
  driverFiles(): string[];
  /** Device nodes through which a Vulkan driver reaches a GPU. */
  gpuDevices(): string[];
  exists(path: string): boolean;
}

export type VulkanCheck =
  | { kind: 'ok' }
  | { kind: 'no-loader' }
  /** `variable`: the variable that names the (missing) driver files, or null when the usual folders hold none. */
  | { kind: 'no-driver'; variable: string | null }
  /** Drivers, but no GPU for them to drive: at best a CPU driver, which SwiftShader replaces. */
  | { kind: 'no-gpu' };

const DRIVER_VARIABLES = ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES'] as const;

export function checkVulkan(host: VulkanHost): VulkanCheck {
  if (host.platform !== 'linux') return { kind: 'ok' };
  if (!host.loaderFound()) return { kind: 'no-loader' };
  const listed = (value: string | undefined) => (value ?? '').split(':').some((file) => file !== '' && host.exists(file));
  if (listed(host.env.VK_ADD_DRIVER_FILES)) return { kind: 'ok' };
  const variable = DRIVER_VARIABLES.find((name) => host.env[name] !== undefined);
  if (variable) return listed(host.env[variable]) ? { kind: 'ok' } : { kind: 'no-driver', variable };
  if (host.driverFiles().length === 0) return { kind: 'no-driver', variable: null };
  return host.gpuDevices().length > 0 ? { kind: 'ok' } : { kind: 'no-gpu' };
}

/** A GPU for the CLI's engine; every failure is one line. `gpu`: Dawn (nodeGpu), replaced in tests. */
export async function cliGpu(host: VulkanHost = nodeVulkanHost(), gpu: typeof nodeGpu = nodeGpu): Promise<GPU> {
  const check = checkVulkan(host);
  // Drivers ask Wayland whether they could present (SwiftShader does); on a machine without a session,
  // libwayland then prints "XDG_RUNTIME_DIR is invalid" twice. The lab computes only: point it at no display.
  if (host.platform === 'linux' && host.env.XDG_RUNTIME_DIR === undefined && host.env.WAYLAND_DISPLAY === undefined) {
    host.env.WAYLAND_DISPLAY = '/nonexistent/wayland-0';
  }
  if (check.kind === 'no-loader') {
    throw new Error(
      'no WebGPU adapter: the Vulkan loader libvulkan.so.1 is missing; install the libvulkan1 package (apt install libvulkan1)',
    );
  }
  if (check.kind === 'no-driver' && check.variable) {
    throw new Error(`no WebGPU adapter: ${check.variable} names no Vulkan driver file that exists (${host.env[check.variable]})`);
  }
  if (check.kind === 'no-driver' || check.kind === 'no-gpu') {
    const why = check.kind === 'no-driver' ? 'no Vulkan driver is installed' : 'no GPU device in /dev';
    // without SwiftShader, a CPU driver that Dawn accepts is the last chance
    if (!host.exists(SWIFTSHADER_ICD)) {
      if (check.kind === 'no-gpu') return gpu();
      throw new Error(`no WebGPU adapter: ${why}, nor SwiftShader (${SWIFTSHADER_ICD}, from the chromium package)`);
    }
    host.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD; // read by the Vulkan loader when Dawn starts
    process.stderr.write(`lab: no GPU found (${why}); falling back to SwiftShader (CPU, slow) via ${SWIFTSHADER_ICD}\n`);
    return gpu({ quiet: true });
  }
  return gpu();
}

/** Folders the Vulkan loader searches for driver manifests on Linux (its XDG rules). */
function driverFolders(env: Record<string, string | undefined>): string[] {
  const home = env.HOME ?? homedir();
  const list = (value: string | undefined, fallback: string) => (value || fallback).split(':').filter(Boolean);
  return [
    env.XDG_CONFIG_HOME || join(home, '.config'),
    ...list(env.XDG_CONFIG_DIRS, '/etc/xdg'),
    '/usr/local/etc',
    '/etc',
    env.XDG_DATA_HOME || join(home, '.local/share'),
    ...list(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
  ].map((dir) => join(dir, 'vulkan/icd.d'));
}

const LIB_TRIPLETS: Partial<Record<NodeJS.Architecture, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** This machine, as dlopen and the Vulkan loader would see it. */
export function nodeVulkanHost(env: Record<string, string | undefined> = process.env): VulkanHost {
  const exists = (path: string) => existsSync(path);
  return {
    platform: process.platform,
    env,
    exists,
    loaderFound: () => {
      const triplet = LIB_TRIPLETS[process.arch];
      const dirs = [
        ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
        '/lib',
        '/usr/lib',
        '/lib64',
        '/usr/lib64',
        ...(triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : []),
      ];
      if (dirs.some((dir) => exists(join(dir, 'libvulkan.so.1')))) return true;
      // elsewhere, only through the linker's cache; without one, let Dawn try and tell
      if (!exists('/etc/ld.so.cache')) return true;
      return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
    },
    gpuDevices: () => {
      const list = (dir: string, name: RegExp) => {
        try {
          return readdirSync(dir)
            .filter((entry) => name.test(entry))
            .map((entry) => join(dir, entry));
        } catch {
          return [];
        }
      };
      return [...list('/dev/dri', /^renderD\d+$/), ...list('/dev', /^(nvidia\d+|dxg)$/)];
    },
    driverFiles: () =>
      driverFolders(env).flatMap((dir) => {
        try {
          return readdirSync(dir)
            .filter((name) => name.endsWith('.json'))
            .map((name) => join(dir, name));
        } catch {
          return [];
        }
      }),
  };
}
