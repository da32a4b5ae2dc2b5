-- A changed record always gets a raw row of its own, even when it returns to an earlier content: the landing zone
-- is an append-only log of what each run fetched. Nothing needs the uniqueness of (record, content) any more
-- (an unchanged record is recognised by source_record's hash), and its wide index was a large part of landing.
alter table raw_record drop constraint raw_record_connection_id_stream_source_key_content_hash_key;
