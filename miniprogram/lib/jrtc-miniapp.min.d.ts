export * from './types/miniprogram/lib/src/index';
export { default } from './types/miniprogram/lib/src/index';
