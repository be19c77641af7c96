//! `PyBytes`: an immutable byte string.

/// An immutable `bytes` value.
pub struct PyBytes {
    /// The bytes.
    pub data: Box<[u8]>,
}

impl PyBytes {
    /// A bytes value from a vector.
    pub fn new(data: Vec<u8>) -> PyBytes {
        PyBytes { data: data.into_boxed_slice() }
    }
}
