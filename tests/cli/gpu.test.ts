// The CLI on a machine where Vulkan cannot give an adapter: one line of our own on stderr, never Dawn's
// multi-line warning with its C++ call chain ("at InitializeImpl"). The machine is described to the check
// (VulkanHost), so a missing loader is tested without uninstalling it; two cases run the real CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkVulkan, cliGpu, nodeVulkanHost, type VulkanHost } from '../../src/cli/vulkan.ts';
import { SWIFTSHADER_ICD } from '../../src/engine/gpu/node-gpu.ts';

/** This machine has no GPU but SwiftShader: the fallback the CLI takes here can be run for real. */
const gpuLess = process.platform === 'linux' && nodeVulkanHost().gpuDevices().length === 0 && existsSync(SWIFTSHADER_ICD);

function host(change: Partial<VulkanHost> = {}, files: string[] = []): VulkanHost {
  return {
    platform: 'linux',
    env: {},
    loaderFound: () => true,
    driverFiles: () => ['/usr/share/vulkan/icd.d/some_icd.json'],
    gpuDevices: () => ['/dev/dri/renderD128'],
    exists: (path) => files.includes(path),
    ...change,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Vulkan check before Dawn', () => {
  it('without libvulkan.so.1 says to install libvulkan1, in one line, and never starts Dawn', async () => {
    const dawn = vi.fn();
    await expect(cliGpu(host({ loaderFound: () => false }), dawn)).rejects.toThrow(
      'no WebGPU adapter: the Vulkan loader libvulkan.so.1 is missing; install the libvulkan1 package (apt install libvulkan1)',
    );
    expect(dawn).not.toHaveBeenCalled();
  });

  it('names the variable whose driver files do not exist', async () => {
    const dawn = vi.fn();
    const env = { VK_ICD_FILENAMES: '/nowhere/a.json:/nowhere/b.json' };
    await expect(cliGpu(host({ env }), dawn)).rejects.toThrow(
      'no WebGPU adapter: VK_ICD_FILENAMES names no Vulkan driver file that exists (/nowhere/a.json:/nowhere/b.json)',
    );
    expect(dawn).not.toHaveBeenCalled();
  });

  it.each([
    ['no driver installed', { driverFiles: () => [] }, 'no Vulkan driver is installed'],
    ['drivers but no GPU device (a CPU driver Dawn may reject)', { gpuDevices: () => [] }, 'no GPU device in /dev'],
  ])('with %s goes straight to SwiftShader, announced in one line', async (_, change, why) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gpu = {} as GPU;
    const dawn = vi.fn(async () => gpu);
    const env: Record<string, string | undefined> = {};
    expect(await cliGpu(host({ env, ...change }, [SWIFTSHADER_ICD]), dawn)).toBe(gpu);
    expect(env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
    expect(dawn).toHaveBeenCalledWith({ quiet: true });
    expect(stderr.mock.calls).toEqual([[`lab: no GPU found (${why}); falling back to SwiftShader (CPU, slow) via ${SWIFTSHADER_ICD}\n`]]);
  });

  it('points Wayland at no display where there is no session, so libwayland prints nothing', async () => {
    const env: Record<string, string | undefined> = {};
    await cliGpu(
      host({ env }),
      vi.fn(async () => ({}) as GPU),
    );
    expect(env.WAYLAND_DISPLAY).toBe('/nonexistent/wayland-0');
    const session = { XDG_RUNTIME_DIR: '/run/user/1000' };
    await cliGpu(
      host({ env: session }),
      vi.fn(async () => ({}) as GPU),
    );
    expect(session).toEqual({ XDG_RUNTIME_DIR: '/run/user/1000' });
  });

  it('without SwiftShader leaves a GPU-less machine to Dawn, which may take a CPU driver', async () => {
    const dawn = vi.fn(async () => ({}) as GPU);
    await cliGpu(host({ gpuDevices: () => [] }), dawn);
    expect(dawn).toHaveBeenCalledWith();
  });

  it('leaves the search to Dawn where a driver is installed or named, and off Linux', () => {
    expect(checkVulkan(host())).toEqual({ kind: 'ok' });
    expect(checkVulkan(host({ env: { VK_ICD_FILENAMES: '/icd.json' } }, ['/icd.json']))).toEqual({ kind: 'ok' });
    expect(checkVulkan(host({ env: { VK_ADD_DRIVER_FILES: '/icd.json' }, driverFiles: () => [] }, ['/icd.json']))).toEqual({ kind: 'ok' });
    expect(checkVulkan(host({ platform: 'darwin', loaderFound: () => false }))).toEqual({ kind: 'ok' });
    expect(checkVulkan(host({ env: { VK_ICD_FILENAMES: '/icd.json' }, gpuDevices: () => [] }, ['/icd.json']))).toEqual({ kind: 'ok' });
    expect(checkVulkan(host({ driverFiles: () => [] }))).toEqual({ kind: 'no-driver', variable: null });
    expect(checkVulkan(host({ gpuDevices: () => [] }))).toEqual({ kind: 'no-gpu' });
  });
});

const generate = (env: NodeJS.ProcessEnv) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'generate', '--model', 'builtin:stage1', '--max-tokens', '1', '--json'],
    {
      encoding: 'utf8',
      env,
      timeout: 150_000,
      killSignal: 'SIGKILL', // under the test's 180 s, so a hang is reported as one
    },
  );

/** A line of a C++ call chain, as Dawn prints them ("    at InitializeImpl (…/PhysicalDeviceVk.cpp:257)"). */
const CALL_CHAIN = /^\s+at \S+ \(/m;

describe('lab generate where Vulkan gives no adapter', () => {
  it('with VK_ICD_FILENAMES naming no file: one line of ours, no Dawn call chain', () => {
    const r = generate({ ...process.env, VK_ICD_FILENAMES: '/nonexistent/vulkan_icd.json' });
    expect(r.stderr).not.toMatch(CALL_CHAIN);
    expect(r.stderr.trim().split('\n')).toEqual([
      'lab: no WebGPU adapter: VK_ICD_FILENAMES names no Vulkan driver file that exists (/nonexistent/vulkan_icd.json)',
    ]);
    expect(r.status).toBe(1);
  });

  it.skipIf(!gpuLess)('on this machine without a GPU: only our SwiftShader line, then the output', () => {
    const env = { ...process.env };
    delete env.VK_ICD_FILENAMES;
    const r = generate(env);
    expect(r.stderr).not.toMatch(CALL_CHAIN);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lab: no GPU found \(.*\); falling back to SwiftShader/)]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tokens).toHaveLength(1);
  });
});
