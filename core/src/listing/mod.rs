//! Reading pasted listings (`du`, `find`, `ls -lR`, `tree`, `tar -tv`, ncdu/gdu JSON, git) into a [`crate::tree::ContextTree`].
