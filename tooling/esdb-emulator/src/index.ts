export { type EmulatorOptions, type RunningEmulator, startEmulator } from './emulator'
