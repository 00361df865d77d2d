"""FLOP estimates for the aten operations of a traced training step.

The estimate only has to rank operations sensibly for the solver (recompute cheap things, keep
expensive ones), so it counts the dominant work: multiply-adds of matrix products and
convolutions as 2 FLOPs each, and one FLOP per element for everything else (elementwise ops,
reductions, normalisations, copies), taking the larger of the elements read and written.
"""

import math

import torch


def _numel(x):
    return x.numel() if isinstance(x, torch.Tensor) else 0


def _tensors(value):
    """All tensors inside a (possibly nested) list/tuple value."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _conv_flops(x_shape, w_shape, out_shape, transposed):
    # Non-transposed: every output element is a dot product over Cin/groups * kernel elements.
    # Transposed: every input element is scattered over Cout/groups * kernel elements.
    kernel = math.prod(w_shape[2:])
    if transposed:
        return 2 * math.prod(x_shape) * w_shape[1] * kernel
    return 2 * math.prod(out_shape) * w_shape[1] * kernel


def _mm(args, out):
    a, b = args[0], args[1]
    return 2 * a.shape[0] * a.shape[1] * b.shape[1]


def _addmm(args, out):
    a, b = args[1], args[2]
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] + _numel(out)


def _bmm(args, out):
    a, b = args[0], args[1]
    return 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]


def _baddbmm(args, out):
    a, b = args[1], args[2]
    return 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2] + _numel(out)


def _convolution(args, out):
    x, w, bias = args[0], args[1], args[2]
    transposed = bool(args[6])
    flops = _conv_flops(tuple(x.shape), tuple(w.shape), tuple(out.shape), transposed)
    if bias is not None:
        flops += _numel(out)
    return flops


def _convolution_backward(args, out):
    grad_out, x, w = args[0], args[1], args[2]
    transposed = bool(args[7])
    mask = args[10]
    # grad_input and grad_weight each cost about one forward convolution; grad_bias is a sum
    # over grad_out.
    fwd = _conv_flops(tuple(x.shape), tuple(w.shape), tuple(grad_out.shape), transposed)
    flops = 0
    if mask[0]:
        flops += fwd
    if mask[1]:
        flops += fwd
    if mask[2]:
        flops += _numel(grad_out)
    return flops


_FORMULAS = {
    "aten::mm": _mm,
    "aten::addmm": _addmm,
    "aten::bmm": _bmm,
    "aten::baddbmm": _baddbmm,
    "aten::convolution": _convolution,
    "aten::convolution_backward": _convolution_backward,
}


def op_name(target):
    """'aten::mm' for torch.ops.aten.mm.default; str(target) for anything else."""
    schema = getattr(target, "_schema", None)
    return schema.name if schema is not None else str(target)


def estimate_flops(target, args, kwargs, out):
    """A FLOP estimate (an integer >= 1) for one call target(*args, **kwargs) -> out."""
    formula = _FORMULAS.get(op_name(target))
    if formula is not None:
        try:
            return max(1, int(formula(args, out)))
        except (IndexError, TypeError, AttributeError):
            pass  # unexpected argument layout: fall back to the element count below
    read = sum(_numel(t) for t in _tensors(list(args) + list(kwargs.values())))
    written = sum(_numel(t) for t in _tensors(out))
    return max(1, read, written)
