#!/usr/bin/env bash
# On the GPU machine, from the project root with .gpu/ carried (scripts/gpu/kit.sh made it): unpacks the
# Vulkan loaders, Node (.gpu/node), dawn.node and the built-in texts, and points Vulkan at NVIDIA's driver.
# Source it (`. scripts/gpu/setup.sh`) so VK_DRIVER_FILES stays set.
for f in .gpu/*.deb; do dpkg -x "$f" /; done
ldconfig
xz -dc .gpu/node.xz > .gpu/node && chmod +x .gpu/node
mkdir -p .gpu/node_modules/webgpu/dist/linux-x64
xz -dc .gpu/dawn.node.xz > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node
tar -C .gpu/node_modules -xJf .gpu/stdlib-texts.tar.xz
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
