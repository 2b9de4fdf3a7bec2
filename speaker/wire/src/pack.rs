//! UPDATE packing. TODO: implement.
