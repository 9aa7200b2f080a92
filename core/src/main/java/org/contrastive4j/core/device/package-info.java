/**
 * The one device grammar of every command and API: DeviceSpec (auto, cpu, gpu, gpu:N, gpu:0,1; cuda as a
 * synonym). Engines resolve it against what they can see. NativeInit: the first start of a native runtime, on a
 * thread with a stack large enough for it. CpuCores: the physical cores this process may use, for compute pools.
 */
package org.contrastive4j.core.device;
