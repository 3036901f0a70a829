import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'wouter';
import { useSession } from '../app-context';
import { AuthorizedImage } from '../components/authorized-image';
import { Field } from '../components/fields';
import { Empty, ErrorMessage, Loading, Pager, PageTitle } from '../components/status';
import { type DicomJson, dicomDate, integer, qidoDate, TAGS, text } from '../dicom-json';

interface Search {
  patient: string;
  from: string;
  to: string;
  modality: string;
}

const PAGE_SIZE = 25;

/** QIDO-RS parameters: a name with a wildcard matches by prefix, an ID exactly; dates as a range. */
function qidoQuery(search: Search, offset: number): Record<string, string | number> {
  const query: Record<string, string | number> = {
    limit: PAGE_SIZE,
    offset,
    includefield: `${TAGS.NumberOfStudyRelatedSeries},${TAGS.NumberOfStudyRelatedInstances},${TAGS.ModalitiesInStudy}`,
  };
  const patient = search.patient.trim();
  if (patient) {
    if (/^[\w.-]+$/.test(patient) && /\d/.test(patient)) query.PatientID = patient;
    else query.PatientName = `${patient}*`;
  }
  if (search.from || search.to) query.StudyDate = `${qidoDate(search.from)}-${qidoDate(search.to)}`;
  if (search.modality.trim()) query.ModalitiesInStudy = search.modality.trim().toUpperCase();
  return query;
}

export function StudiesPage() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Search>({ patient: '', from: '', to: '', modality: '' });
  const [search, setSearch] = useState<Search>(draft);
  const [offset, setOffset] = useState(0);
  const studies = useQuery({
    queryKey: ['studies', search, offset],
    queryFn: async () => {
      const response = await api.raw('GET', '/dicomweb/studies', {
        headers: { accept: 'application/dicom+json' },
        query: qidoQuery(search, offset),
      });
      return response.status === 204 ? [] : ((await response.json()) as DicomJson[]);
    },
  });
  const update = (field: keyof Search) => (value: string) => setDraft({ ...draft, [field]: value });
  return (
    <>
      <PageTitle description="Search by patient name or ID, study date and modality.">Studies</PageTitle>
      <Form
        className="search-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setOffset(0);
          setSearch(draft);
        }}
      >
        <Field
          label="Patient name or ID"
          name="patient"
          type="search"
          value={draft.patient}
          onChange={update('patient')}
        />
        <Field label="From" name="from" type="date" value={draft.from} onChange={update('from')} />
        <Field label="To" name="to" type="date" value={draft.to} onChange={update('to')} />
        <Field
          label="Modality"
          name="modality"
          value={draft.modality}
          onChange={update('modality')}
          description="e.g. CT, MR"
        />
        <Button type="submit">Search</Button>
      </Form>
      {studies.isPending ? <Loading what="studies" /> : null}
      <ErrorMessage error={studies.error} />
      {studies.data && studies.data.length === 0 ? <Empty>No studies match.</Empty> : null}
      {studies.data && studies.data.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Studies found</caption>
          <thead>
            <tr>
              <th scope="col">Preview</th>
              <th scope="col">Patient</th>
              <th scope="col">Patient ID</th>
              <th scope="col">Date</th>
              <th scope="col">Description</th>
              <th scope="col">Modalities</th>
              <th scope="col">Series / images</th>
            </tr>
          </thead>
          <tbody>
            {studies.data.map((study) => {
              const uid = text(study, TAGS.StudyInstanceUID);
              const patient = text(study, TAGS.PatientName) || '(no name)';
              return (
                <tr key={uid}>
                  <td>
                    <AuthorizedImage
                      className="thumbnail"
                      path={`/dicomweb/studies/${uid}/thumbnail`}
                      alt={`Preview of ${patient}'s study`}
                    />
                  </td>
                  <td>
                    <Link href={`/studies/${uid}`}>{patient}</Link>
                  </td>
                  <td>{text(study, TAGS.PatientID)}</td>
                  <td>{dicomDate(text(study, TAGS.StudyDate))}</td>
                  <td>{text(study, TAGS.StudyDescription)}</td>
                  <td>{text(study, TAGS.ModalitiesInStudy)}</td>
                  <td>
                    {integer(study, TAGS.NumberOfStudyRelatedSeries) ?? '—'} /{' '}
                    {integer(study, TAGS.NumberOfStudyRelatedInstances) ?? '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager
        onPrevious={offset === 0 ? undefined : () => setOffset(Math.max(0, offset - PAGE_SIZE))}
        onNext={(studies.data?.length ?? 0) < PAGE_SIZE ? undefined : () => setOffset(offset + PAGE_SIZE)}
      />
    </>
  );
}
