/** Every op builder, named as in the ONNX spec (https://onnx.ai/onnx/operators/), in one import. */
export * from './elementwise';
export * from './gather';
export * from './matmul';
export * from './reduce';
export * from './shape';
export { type Operand, floatDtype, int64s, scalar } from './operand';
