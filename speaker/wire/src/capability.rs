//! OPEN capabilities. TODO(helper A): implement.
