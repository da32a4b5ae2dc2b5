-- GET /v1/observations pages through values by keyset. In (indicator, unit, period) order it uses the unique keys
-- observation and indicator_value already have. But when periods are filtered without a unit, the periods asked for
-- can be a sparse part of an indicator's rows (the years 2024-2025 of a series of monthly commune figures, or a
-- year no source reports): a scan in indicator order would read every row of the indicator to find a few (0.6 s on
-- 10 million observations). Such queries page in (period, indicator, unit) order instead: each period one descent
-- of these indexes, however sparse (under 1 ms for a page of 100 on 10 million observations).
-- Built in the migration's transaction (writes wait for it: about two minutes on 10 million observations).
create index observation_period_indicator_unit_idx on observation (period_code, indicator_code, unit_id);
create index indicator_value_period_indicator_unit_idx on indicator_value (period_code, indicator_code, unit_id);
