/**
 * A minimal, deterministic ONNX graph builder over onnx-proto (protobufjs), used by the model
 * compile script and by tests that need a small ONNX file. Only build-time code imports it: the
 * runtime reads .onnx files and never needs onnx-proto (a devDependency).
 *
 * Determinism: tensor and node names are sequential, no timestamps or random ids are written, so
 * compiling the same definition twice gives identical bytes (the committed bundles are checked
 * against a fresh compile).
 */
import { onnx } from 'onnx-proto';

/** ONNX opset of every graph we write (ai.onnx domain). */
export const OPSET_VERSION = 17;
/** ONNX IR version of every model we write (IR 8 = ONNX 1.10+, supported by onnxruntime 1.30). */
export const IR_VERSION = 8;

const DataType = onnx.TensorProto.DataType;
export type ElementType = 'float' | 'double';

type AttributeValue = number | { int: number } | number[];

function elementTypeCode(t: ElementType): number {
  return t === 'float' ? DataType.FLOAT : DataType.DOUBLE;
}

export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /**
   * @param name graph name
   * @param computeType element type of constants made with {@link constant} (graphs compute in
   *   double where float32 cancellation would cost precision, then cast outputs to float32)
   */
  constructor(private readonly name: string, private readonly computeType: ElementType = 'float') {}

  /** Declares a float32 input of shape [N, features] (N symbolic). */
  input(name: string, features: number): string {
    this.inputs.push(valueInfo(name, DataType.FLOAT, ['N', features]));
    return name;
  }

  /** A constant of the compute type; identical constants are shared. */
  constant(values: readonly number[], dims: readonly number[] = []): string {
    const key = `${this.computeType}:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `c${this.constants.size}`;
    const tensor: onnx.ITensorProto = { name, dims: [...dims], dataType: elementTypeCode(this.computeType) };
    if (this.computeType === 'float') tensor.floatData = [...values];
    else tensor.doubleData = [...values];
    this.initializers.push(tensor);
    this.constants.set(key, name);
    return name;
  }

  /** An int64 constant (indices for Gather). */
  int64(values: readonly number[], dims: readonly number[]): string {
    const key = `int64:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `i${this.constants.size}`;
    this.initializers.push({ name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] });
    this.constants.set(key, name);
    return name;
  }

  /**
   * Adds one node and returns its (single) output name.
   * Attributes: a plain number is a FLOAT, `{ int }` an INT, a number[] INTS.
   */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const output = `t${this.counter++}`;
    const attribute: onnx.IAttributeProto[] = Object.entries(attributes).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v };
      if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v };
      return { name, type: onnx.AttributeProto.AttributeType.INT, i: v.int };
    });
    this.nodes.push({ opType, input: [...inputs], output: [output], name: `n${this.nodes.length}_${opType}`, attribute });
    return output;
  }

  add(a: string, b: string): string { return this.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op('Mul', [a, b]); }
  div(a: string, b: string): string { return this.op('Div', [a, b]); }
  log(a: string): string { return this.op('Log', [a]); }
  exp(a: string): string { return this.op('Exp', [a]); }
  min(a: string, b: string): string { return this.op('Min', [a, b]); }
  max(a: string, b: string): string { return this.op('Max', [a, b]); }
  /** a · k for a scalar k. */
  scale(a: string, k: number): string { return this.mul(a, this.constant([k])); }
  /** a + k for a scalar k. */
  shift(a: string, k: number): string { return this.add(a, this.constant([k])); }

  /** Column `index` of a [N, F] tensor, as [N, 1]. */
  column(x: string, index: number): string {
    return this.op('Gather', [x, this.int64([index], [1])], { axis: { int: 1 } });
  }

  /** Casts to the compute type (inputs arrive as float32). */
  castToCompute(x: string): string {
    return this.op('Cast', [x], { to: { int: elementTypeCode(this.computeType) } });
  }

  /** [N,1] columns → [N,K]. */
  concatColumns(columns: readonly string[]): string {
    return this.op('Concat', columns, { axis: { int: 1 } });
  }

  /** Boolean mask `x > 0.5` for a 0/1 flag column. */
  flag(x: string): string {
    return this.op('Greater', [x, this.constant([0.5])]);
  }

  /** Element-wise `cond ? a : b`. */
  where(cond: string, a: string, b: string): string {
    return this.op('Where', [cond, a, b]);
  }

  /** Declares a float32 graph output [N, 1] named `name`, fed from `from` (cast when computing in double). */
  output(name: string, from: string): void {
    const source = this.computeType === 'float' ? from : this.op('Cast', [from], { to: { int: DataType.FLOAT } });
    this.nodes.push({ opType: 'Identity', input: [source], output: [name], name: `n${this.nodes.length}_out_${name}` });
    this.outputs.push(valueInfo(name, DataType.FLOAT, ['N', 1]));
  }

  /** Serialises the model (IR 8, opset 17). */
  toBytes(meta: { docString: string; producerVersion: string; metadata?: Record<string, string> }): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      producerName: 'prognos-compile-models',
      producerVersion: meta.producerVersion,
      domain: 'org.prognos',
      modelVersion: 1,
      docString: meta.docString,
      metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const err = onnx.ModelProto.verify(model);
    if (err) throw new Error(`invalid ONNX model ${this.name}: ${err}`);
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
