import type { ReactNode } from 'react';
import {
  Button,
  Checkbox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';

/** A labelled text input with its description and validation message (React Aria wires the ARIA). */
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'date' | 'search' | 'number' | 'password';
  description?: string;
  isRequired?: boolean;
  multiline?: boolean;
  autoComplete?: string;
}) {
  return (
    <TextField
      className="field"
      name={props.name}
      value={props.value}
      onChange={props.onChange}
      type={props.type ?? 'text'}
      isRequired={props.isRequired ?? false}
      autoComplete={props.autoComplete}
    >
      <Label>{props.label}</Label>
      {props.multiline ? <TextArea rows={5} /> : <Input />}
      {props.description ? <Text slot="description">{props.description}</Text> : null}
      <FieldError />
    </TextField>
  );
}

export function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: readonly { id: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <Select className="field" selectedKey={props.value} onSelectionChange={(key) => props.onChange(key as T)}>
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover className="select-popover">
        <ListBox items={props.options}>
          {(option) => (
            <ListBoxItem id={option.id} className="select-option">
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function Toggle(props: {
  isSelected: boolean;
  onChange: (value: boolean) => void;
  children: ReactNode;
}) {
  return (
    <Checkbox className="checkbox" isSelected={props.isSelected} onChange={props.onChange}>
      <span className="checkbox-box" aria-hidden="true">
        {props.isSelected ? '✓' : ''}
      </span>
      {props.children}
    </Checkbox>
  );
}
