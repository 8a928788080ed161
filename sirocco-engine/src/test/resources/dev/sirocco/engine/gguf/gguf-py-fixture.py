# Generates gguf-py-fixture.gguf with llama.cpp's own Python writer (gguf-py), so GgufPyFixtureTest checks
# our reader against an implementation we did not write. Not run by the build; to regenerate:
#   PYTHONPATH=<llama.cpp>/gguf-py python3 gguf-py-fixture.py
import numpy as np
import gguf
from gguf import GGUFValueType as T

w = gguf.GGUFWriter("gguf-py-fixture.gguf", "llama")
w.add_custom_alignment(64)
w.add_uint8("t.u8", 250)
w.add_int8("t.i8", -100)
w.add_uint16("t.u16", 65000)
w.add_int16("t.i16", -32000)
w.add_uint32("t.u32", 4000000000)
w.add_int32("t.i32", -2000000000)
w.add_float32("t.f32", 0.15625)
w.add_uint64("t.u64", 18000000000000000000)
w.add_int64("t.i64", -9000000000000000000)
w.add_float64("t.f64", -2.5e-300)
w.add_bool("t.bool", True)
w.add_string("t.str", "héllo ▁wörld 🌍")
w.add_key_value("t.a.u8", [0, 7, 255], T.ARRAY, sub_type=T.UINT8)
w.add_key_value("t.a.i16", [-32768, 0, 32767], T.ARRAY, sub_type=T.INT16)
w.add_key_value("t.a.u32", [0, 4294967295], T.ARRAY, sub_type=T.UINT32)
w.add_key_value("t.a.u64", [1, 18446744073709551615], T.ARRAY, sub_type=T.UINT64)
w.add_key_value("t.a.f64", [0.5, -1.25], T.ARRAY, sub_type=T.FLOAT64)
w.add_array("t.a.i32", [1, -2, 3])
w.add_array("t.a.f32", [0.5, -1.5])
w.add_array("t.a.bool", [True, False, True])
w.add_array("t.a.str", ["<s>", "▁a", ""])
w.add_array("t.a.nested", [[1, 2], ["x", "yz"]])
w.add_tensor("f32", np.arange(12, dtype=np.float32).reshape(4, 3))
w.add_tensor("f16", np.array([[0.5, -2.0], [1.0, 3.0]], dtype=np.float16))
w.add_tensor("q8", (np.arange(2 * 34) % 256).astype(np.uint8).reshape(2, 34), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
w.add_tensor("i32", np.array([7, -8, 9], dtype=np.int32))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
