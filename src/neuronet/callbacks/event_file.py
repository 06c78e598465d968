"""TensorBoard event files, written and read without TensorFlow.

An event file is a TFRecord file: a sequence of records, each framed as

    uint64 length | uint32 masked CRC32C of the length | bytes | uint32 masked CRC32C of the bytes

(little-endian), where each record is a serialized `Event` protocol buffer. The first Event
holds `file_version: "brain.Event:2"`; the others hold a wall time, a step and a `Summary`
of tagged values (a scalar, a histogram or a tensor). The few messages TensorBoard needs
are encoded here by hand, with these field numbers (from TensorFlow's event.proto,
summary.proto, histogram.proto, tensor.proto and tensor_shape.proto):

    Event          wall_time 1 (double), step 2 (int64), file_version 3 (string),
                   summary 5 (Summary)
    Summary        value 1 (repeated Value)
    Value          tag 1 (string), simple_value 2 (float), histo 5 (HistogramProto),
                   tensor 8 (TensorProto), metadata 9 (SummaryMetadata)
    HistogramProto min 1, max 2, num 3, sum 4, sum_squares 5 (doubles),
                   bucket_limit 6, bucket 7 (packed repeated doubles)
    TensorProto    dtype 1 (enum), tensor_shape 2 (TensorShapeProto), string_val 8
    TensorShapeProto  dim 2 (repeated Dim: size 1)
    SummaryMetadata   plugin_data 1 (PluginData: plugin_name 1, content 2), data_class 4
"""
import io
import itertools
import os
import struct
import time

import numpy as np

FILE_VERSION = "brain.Event:2"
DT_STRING = 7                       # TensorFlow's DataType enum value for strings
DATA_CLASS_BLOB_SEQUENCE = 3        # SummaryMetadata.data_class of a rank-1 bytes tensor

# --- CRC32C (Castagnoli), table-driven ------------------------------------------------------------
_CASTAGNOLI = 0x82F63B78            # the Castagnoli polynomial, bit-reversed
_MASK_DELTA = 0xA282EAD8            # added to the rotated CRC by TFRecord's masking


def _crc_table():
    """CRC32C of each byte value: the 256 entries that process a message a byte at a time."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (_CASTAGNOLI if crc & 1 else 0)
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc32c(data):
    """The CRC32C checksum of `data` (bytes), as an unsigned 32-bit int."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The CRC32C of `data` masked as TFRecord stores it: rotated right by 15 bits, plus a
    constant (so that a CRC of data holding CRCs stays well-mixed)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame_record(data):
    """`data` framed as one TFRecord: length, its masked CRC, the bytes, their masked CRC."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


# --- protocol buffer encoding ---------------------------------------------------------------------
_VARINT, _FIXED64, _LENGTH_DELIMITED, _FIXED32 = 0, 1, 2, 5     # wire types


def _varint(number):
    """`number` as a base-128 varint; a negative int64 is written as its 64-bit two's complement."""
    number &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while number > 0x7F:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _key(field, wire_type):
    return _varint(field << 3 | wire_type)


def _int_field(field, number):
    return _key(field, _VARINT) + _varint(int(number))


def _double_field(field, number):
    return _key(field, _FIXED64) + struct.pack("<d", number)


def _float_field(field, number):
    return _key(field, _FIXED32) + struct.pack("<f", number)


def _bytes_field(field, data):
    """A length-delimited field: bytes, a string (UTF-8) or an encoded sub-message."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(field, _LENGTH_DELIMITED) + _varint(len(data)) + data


def _packed_doubles_field(field, numbers):
    return _bytes_field(field, np.asarray(numbers, dtype="<f8").tobytes())


def encode_event(wall_time, step=None, file_version=None, values=()):
    """A serialized Event: its wall time (seconds), and a step with a Summary of encoded
    `values`, or a `file_version`."""
    event = _double_field(1, wall_time)
    if step is not None:
        event += _int_field(2, step)
    if file_version is not None:
        event += _bytes_field(3, file_version)
    if values:
        event += _bytes_field(5, b"".join(_bytes_field(1, value) for value in values))
    return event


def scalar_value(tag, value):
    """A Summary.Value holding one float (stored as float32, as TensorBoard's scalars are)."""
    return _bytes_field(1, tag) + _float_field(2, value)


def histogram_value(tag, values, bucket_count=30):
    """A Summary.Value holding a HistogramProto of `values` (any shape): min, max, count, sum,
    sum of squares, and `bucket_count` equal-width buckets from min to max, each given by its
    right edge (`bucket_limit`) and its count. Values that are all equal (or none) make one
    bucket."""
    values = np.asarray(values, dtype=np.float64).ravel()
    low, high = (values.min(), values.max()) if values.size else (0.0, 0.0)
    if low < high:
        counts, edges = np.histogram(values, bins=bucket_count, range=(low, high))
        limits = edges[1:]
    else:
        counts, limits = [values.size], [high]
    histogram = (_double_field(1, low) + _double_field(2, high) + _double_field(3, values.size)
                 + _double_field(4, values.sum()) + _double_field(5, values @ values)
                 + _packed_doubles_field(6, limits) + _packed_doubles_field(7, counts))
    return _bytes_field(1, tag) + _bytes_field(5, histogram)


def tensor_value(tag, strings, shape, plugin_name, content=b"", data_class=None):
    """A Summary.Value holding a string tensor of `shape` (its elements, row-major, in
    `strings`), marked as data of the TensorBoard plugin `plugin_name`."""
    dims = b"".join(_bytes_field(2, _int_field(1, size)) for size in shape)
    tensor = (_int_field(1, DT_STRING) + _bytes_field(2, dims)
              + b"".join(_bytes_field(8, string) for string in strings))
    plugin_data = _bytes_field(1, plugin_name) + (_bytes_field(2, content) if content else b"")
    metadata = _bytes_field(1, plugin_data)
    if data_class is not None:
        metadata += _int_field(4, data_class)
    return _bytes_field(1, tag) + _bytes_field(9, metadata) + _bytes_field(8, tensor)


def _pil_image():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("TensorBoard(write_images=True) needs Pillow: "
                          "pip install 'neuronet[image]'") from error
    return Image


def image_value(tag, images, max_outputs=3):
    """A Summary.Value holding the first `max_outputs` of `images` (uint8, shape
    (count, height, width, channels) with 1, 3 or 4 channels) as PNG files, laid out as
    TensorBoard's image plugin reads them: [width, height, png, png, ...]."""
    image_module = _pil_image()
    _, height, width, channels = images.shape
    pngs = []
    for image in images[:max_outputs]:
        buffer = io.BytesIO()
        image_module.fromarray(image[..., 0] if channels == 1 else image).save(buffer, "PNG")
        pngs.append(buffer.getvalue())
    strings = [str(width).encode(), str(height).encode()] + pngs
    return tensor_value(tag, strings, (len(strings),), "images",
                        data_class=DATA_CLASS_BLOB_SEQUENCE)


# --- the writer -----------------------------------------------------------------------------------
_writer_ids = itertools.count()     # told apart the files one process opens in the same second


class EventFileWriter:
    """Write Events to a new event file in `logdir` (created if missing).

    The file is named as TensorFlow's summary writer names it,
    'events.out.tfevents.<seconds>.<hostname>.<pid>.<id>.v2', and starts with the
    file-version Event. Events are buffered until `flush` or `close`.
    """

    def __init__(self, logdir):
        import socket            # here, not at the top: it adds some 4 ms to `import neuronet`
        os.makedirs(logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_writer_ids)}.v2")
        self.path = os.path.join(logdir, name)
        self._file = open(self.path, "wb")
        self.write_event(encode_event(time.time(), file_version=FILE_VERSION))

    def write_event(self, event):
        """Append one serialized Event."""
        self._file.write(frame_record(event))

    def add_summary(self, values, step):
        """Append an Event at `step` with a Summary of the encoded `values`."""
        self.write_event(encode_event(time.time(), step=step, values=values))

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()

    @property
    def closed(self):
        return self._file.closed


# --- reading back ---------------------------------------------------------------------------------
def read_records(path):
    """The records of the TFRecord file at `path`, each checked against its two CRCs."""
    with open(path, "rb") as file:
        data = file.read()
    records, position = [], 0
    while position < len(data):
        header, length_crc = data[position:position + 8], data[position + 8:position + 12]
        if len(length_crc) < 4:
            raise ValueError(f"{path}: truncated record header at byte {position}")
        if struct.unpack("<I", length_crc)[0] != masked_crc32c(header):
            raise ValueError(f"{path}: the length CRC of the record at byte {position} "
                             "does not match")
        (length,) = struct.unpack("<Q", header)
        start = position + 12
        body, body_crc = data[start:start + length], data[start + length:start + length + 4]
        if len(body_crc) < 4:
            raise ValueError(f"{path}: truncated record at byte {position}")
        if struct.unpack("<I", body_crc)[0] != masked_crc32c(body):
            raise ValueError(f"{path}: the data CRC of the record at byte {position} "
                             "does not match")
        records.append(body)
        position = start + length + 4
    return records


def _read_varint(data, position):
    number, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        number |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return number, position


def _fields(message):
    """The (field number, wire type, raw value) of each field of a serialized message: an int
    for a varint, bytes otherwise."""
    position = 0
    while position < len(message):
        key, position = _read_varint(message, position)
        field, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = _read_varint(message, position)
        elif wire_type in (_FIXED64, _FIXED32):
            size = 8 if wire_type == _FIXED64 else 4
            value, position = message[position:position + size], position + size
        elif wire_type == _LENGTH_DELIMITED:
            length, position = _read_varint(message, position)
            value, position = message[position:position + length], position + length
        else:
            raise ValueError(f"unsupported protocol buffer wire type {wire_type}")
        yield field, wire_type, value


def _double(raw):
    return struct.unpack("<d", raw)[0]


def _doubles(wire_type, raw):
    """The numbers of a repeated double field: packed or one per field."""
    if wire_type == _LENGTH_DELIMITED:
        return np.frombuffer(raw, dtype="<f8").tolist()
    return [_double(raw)]


def _decode_histogram(message):
    names = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}
    histogram = {"bucket_limit": [], "bucket": []}
    for field, wire_type, raw in _fields(message):
        if field in names:
            histogram[names[field]] = _double(raw)
        elif field in (6, 7):
            histogram["bucket_limit" if field == 6 else "bucket"] += _doubles(wire_type, raw)
    return histogram


def _dim_size(message):
    return next((size for field, _, size in _fields(message) if field == 1), 0)


def _decode_tensor(message):
    tensor = {"dtype": 0, "shape": [], "string_val": []}
    for field, _, raw in _fields(message):
        if field == 1:
            tensor["dtype"] = raw
        elif field == 2:
            dims = [dim for dim_field, _, dim in _fields(raw) if dim_field == 2]
            tensor["shape"] = [_dim_size(dim) for dim in dims]
        elif field == 8:
            tensor["string_val"].append(raw)
    return tensor


def _decode_metadata(message):
    metadata = {"plugin_name": "", "content": b"", "data_class": 0}
    for field, _, raw in _fields(message):
        if field == 1:
            for plugin_field, _, value in _fields(raw):
                if plugin_field == 1:
                    metadata["plugin_name"] = value.decode("utf-8")
                elif plugin_field == 2:
                    metadata["content"] = value
        elif field == 4:
            metadata["data_class"] = raw
    return metadata


def _decode_value(message):
    value = {}
    for field, _, raw in _fields(message):
        if field == 1:
            value["tag"] = raw.decode("utf-8")
        elif field == 2:
            value["simple_value"] = struct.unpack("<f", raw)[0]
        elif field == 5:
            value["histo"] = _decode_histogram(raw)
        elif field == 8:
            value["tensor"] = _decode_tensor(raw)
        elif field == 9:
            value["metadata"] = _decode_metadata(raw)
    return value


def decode_event(record):
    """A serialized Event as a dict: 'wall_time', 'step', and 'file_version' or 'summary' (a
    list of values: dicts with 'tag' and one of 'simple_value', 'histo', 'tensor')."""
    event = {"wall_time": 0.0, "step": 0}
    for field, _, raw in _fields(record):
        if field == 1:
            event["wall_time"] = _double(raw)
        elif field == 2:
            event["step"] = raw - (1 << 64) if raw >= 1 << 63 else raw     # int64
        elif field == 3:
            event["file_version"] = raw.decode("utf-8")
        elif field == 5:
            event["summary"] = [_decode_value(value) for f, _, value in _fields(raw) if f == 1]
    return event


def read_events(path):
    """The Events of the event file at `path`, decoded with `decode_event`."""
    return [decode_event(record) for record in read_records(path)]
